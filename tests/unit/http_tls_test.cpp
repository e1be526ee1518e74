// The client's HTTPS path against a tiny test-only TLS peer (OpenSSL's C API
// on a plain socket) with a certificate made at test time: a trusted
// certificate works and carries SNI; an untrusted one, or one for another
// host name, is refused.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "bookbot/transports/http/client.hpp"
#include "http_sockets.hpp"

namespace bookbot::transports::http {
namespace {

using namespace std::chrono_literals;

template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Context = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
using Ssl = std::unique_ptr<SSL, Deleter<SSL_free>>;

// A self-signed certificate for `host`, and its PEM file (the client's ca_file).
class SelfSigned {
public:
    explicit SelfSigned(const std::string& host) : key_(EVP_EC_gen("P-256")), cert_(X509_new()) {
        REQUIRE(key_);
        REQUIRE(cert_);
        X509* x = cert_.get();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -60);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_set_pubkey(x, key_.get());
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
        X509_set_issuer_name(x, name);
        AddExtension(NID_basic_constraints, "critical,CA:TRUE");
        AddExtension(NID_subject_alt_name, "DNS:" + host);
        REQUIRE(X509_sign(x, key_.get(), EVP_sha256()) > 0);

        char dir_template[] = "/tmp/bookbot-tls.XXXXXX";
        REQUIRE(mkdtemp(dir_template));
        dir_ = dir_template;
        ca_file_ = (dir_ / "cert.pem").string();
        FILE* f = std::fopen(ca_file_.c_str(), "w");
        REQUIRE(f);
        PEM_write_X509(f, x);
        std::fclose(f);
    }
    SelfSigned(const SelfSigned&) = delete;
    SelfSigned& operator=(const SelfSigned&) = delete;
    ~SelfSigned() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    EVP_PKEY* key() const { return key_.get(); }
    X509* cert() const { return cert_.get(); }
    const std::string& ca_file() const { return ca_file_; }

private:
    void AddExtension(int nid, const std::string& value) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert_.get(), cert_.get(), nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        REQUIRE(ext);
        X509_add_ext(cert_.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }

    Key key_;
    Cert cert_;
    std::filesystem::path dir_;
    std::string ca_file_;
};

// Serves one HTTPS request on 127.0.0.1 from a background thread.
class TlsPeer {
public:
    explicit TlsPeer(const SelfSigned& identity) : ctx_(SSL_CTX_new(TLS_server_method())) {
        REQUIRE(ctx_);
        REQUIRE(SSL_CTX_use_certificate(ctx_.get(), identity.cert()) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(ctx_.get(), identity.key()) == 1);
        thread_ = std::thread([this] { ServeOne(); });
    }
    TlsPeer(const TlsPeer&) = delete;
    TlsPeer& operator=(const TlsPeer&) = delete;
    ~TlsPeer() { Join(); }

    std::uint16_t Port() const { return listener_.Port(); }
    void Join() {
        if (thread_.joinable()) thread_.join();
    }
    // After Join: the server name the client sent (SNI), if a handshake completed.
    const std::string& server_name() const { return server_name_; }

private:
    void ServeOne() {
        const auto conn = listener_.Accept(5s);
        if (!conn.valid()) return;
        const timeval limit{5, 0};  // a stuck client cannot hang the test
        setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        const Ssl ssl(SSL_new(ctx_.get()));
        SSL_set_fd(ssl.get(), conn.get());
        if (SSL_accept(ssl.get()) != 1) return;
        const char* sni = SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name);
        server_name_ = sni ? sni : "";
        std::string request;
        char buf[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const int n = SSL_read(ssl.get(), buf, sizeof buf);
            if (n <= 0) return;
            request.append(buf, static_cast<std::size_t>(n));
        }
        const std::string_view answer =
            "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure";
        SSL_write(ssl.get(), answer.data(), static_cast<int>(answer.size()));
        SSL_shutdown(ssl.get());
    }

    Context ctx_;
    test::Listener listener_;
    std::string server_name_;
    std::thread thread_;
};

HttpError ErrorOf(Client& client) {
    try {
        client.Get("/");
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("no HttpError");
    return HttpError(HttpError::Kind::kProtocol, "");
}

TEST_CASE("HTTPS with a trusted certificate sends SNI and gets the response") {
    const SelfSigned identity("localhost");
    TlsPeer peer(identity);
    ClientOptions co;
    co.ca_file = identity.ca_file();
    Client client("https://localhost:" + std::to_string(peer.Port()), co);
    const auto res = client.Get("/");
    peer.Join();
    CHECK(res.status == 200);
    CHECK(res.body == "secure");
    CHECK(peer.server_name() == "localhost");
}

TEST_CASE("HTTPS refuses a certificate the CA store does not trust") {
    const SelfSigned identity("localhost");
    TlsPeer peer(identity);
    Client client("https://localhost:" + std::to_string(peer.Port()));  // system CA store
    const auto e = ErrorOf(client);
    CHECK(e.kind() == HttpError::Kind::kTls);
    CHECK_THAT(e.what(), Catch::Contains("certificate verify failed"));
}

TEST_CASE("HTTPS refuses a trusted certificate issued for another host name") {
    const SelfSigned identity("other.example");
    TlsPeer peer(identity);
    ClientOptions co;
    co.ca_file = identity.ca_file();
    Client client("https://localhost:" + std::to_string(peer.Port()), co);
    CHECK(ErrorOf(client).kind() == HttpError::Kind::kTls);
}

TEST_CASE("a ca_file that cannot be loaded is refused up front") {
    ClientOptions co;
    co.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_AS(Client("https://localhost:1", co), std::invalid_argument);
}

}  // namespace
}  // namespace bookbot::transports::http
