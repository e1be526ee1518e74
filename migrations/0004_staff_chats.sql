-- Staff chats enrolled at run time (`bookbot staff link`, then /link CODE in
-- the chat); chats listed in the configuration are staff too and are not
-- stored here.
CREATE TABLE staff_chats (
    platform    TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    enrolled_at BIGINT  NOT NULL,
    PRIMARY KEY (platform, chat_id)
);

-- One-time enrolment codes, stored only as a hash (SHA-256, hex): reading the
-- database does not reveal a code that still works.
CREATE TABLE staff_link_codes (
    code_hash  TEXT    NOT NULL PRIMARY KEY,
    expires_at BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);
