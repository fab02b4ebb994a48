// SPDX-License-Identifier: BSL-1.0
// A throwaway certificate authority and server certificate for the emulator's TLS mode.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace betterprompt::testing::detail {

/// PEM texts of a generated CA and of a server certificate it signed.
struct generated_certificates {
  std::string ca_certificate_pem;      ///< What clients must trust.
  std::string server_certificate_pem;  ///< Valid for localhost, 127.0.0.1 and ::1.
  std::string server_key_pem;
};

namespace openssl {
struct pkey_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct bio_free {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct ext_free {
  void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
};
struct bn_free {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("emulator TLS setup failed: ") + what);
}

inline pkey_ptr make_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ext_free> ext(
      X509V3_EXT_nconf_nid(nullptr, &ctx, nid, const_cast<char*>(value)));
  check(ext && X509_add_ext(cert, ext.get(), -1) == 1, "certificate extension");
}

// A certificate for `key` named `common_name`, signed by issuer_key (self-signed when issuer is
// null), valid from an hour ago for 30 days.
inline x509_ptr make_certificate(EVP_PKEY* key, const char* common_name, X509* issuer,
                                 EVP_PKEY* issuer_key) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "random serial");
  serial_bytes[0] &= 0x7F;
  std::unique_ptr<BIGNUM, bn_free> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  check(serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())),
        "serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("betterprompt emulator"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (!issuer) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name,
                  "DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1");
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid");
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "signing");
  return cert;
}

template <class Write>
std::string to_pem(Write write) {
  std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
  check(bio && write(bio.get()) == 1, "PEM encoding");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}
}  // namespace openssl

/// Generates a fresh CA and a server certificate signed by it. Throws std::runtime_error.
inline generated_certificates generate_certificates() {
  using namespace openssl;
  pkey_ptr ca_key = make_key();
  x509_ptr ca = make_certificate(ca_key.get(), "betterprompt emulator test CA", nullptr, nullptr);
  pkey_ptr server_key = make_key();
  x509_ptr server = make_certificate(server_key.get(), "localhost", ca.get(), ca_key.get());
  generated_certificates out;
  out.ca_certificate_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()); });
  out.server_certificate_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, server.get()); });
  out.server_key_pem = to_pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

}  // namespace betterprompt::testing::detail
