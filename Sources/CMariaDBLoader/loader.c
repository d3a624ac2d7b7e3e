/* The MariaDB Connector/C functions the MariaDB module calls, forwarded to libmariadb.so.3 loaded with dlopen on
   first use. Linking libmariadb made every process map it with libssl and libcrypto (about 2 MiB resident) even when,
   like `lookout run` without a database, it never connects. mysql_server_init loads the library; the MariaDB module
   calls it before anything else and reports its failure, so every other forwarder runs with the library loaded. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

/* Hidden: the forwarders must not interpose on libmariadb's own symbols through the executable's dynamic table. */
#pragma GCC visibility push(hidden)
#include <mariadb/mysql.h>
#include "CMariaDBLoader.h"

#define MARIADB_FUNCTIONS(X)                                                                                          \
    X(my_ulonglong, mysql_affected_rows, (MYSQL * m), (m))                                                              \
    X(unsigned int, mysql_errno, (MYSQL * m), (m))                                                                      \
    X(const char *, mysql_error, (MYSQL * m), (m))                                                                      \
    X(unsigned long *, mysql_fetch_lengths, (MYSQL_RES * r), (r))                                                       \
    X(MYSQL_ROW, mysql_fetch_row, (MYSQL_RES * r), (r))                                                                 \
    X(unsigned int, mysql_field_count, (MYSQL * m), (m))                                                                \
    X(MYSQL *, mysql_init, (MYSQL * m), (m))                                                                            \
    X(unsigned int, mysql_num_fields, (MYSQL_RES * r), (r))                                                             \
    X(my_ulonglong, mysql_num_rows, (MYSQL_RES * r), (r))                                                               \
    X(int, mysql_options, (MYSQL * m, enum mysql_option o, const void *v), (m, o, v))                                   \
    X(MYSQL *, mysql_real_connect,                                                                                      \
      (MYSQL * m, const char *host, const char *user, const char *password, const char *db, unsigned int port,        \
       const char *socket, unsigned long flags),                                                                        \
      (m, host, user, password, db, port, socket, flags))                                                               \
    X(unsigned long, mysql_real_escape_string, (MYSQL * m, char *to, const char *from, unsigned long length),         \
      (m, to, from, length))                                                                                            \
    X(int, mysql_real_query, (MYSQL * m, const char *q, unsigned long length), (m, q, length))                        \
    X(const char *, mysql_sqlstate, (MYSQL * m), (m))                                                                   \
    X(int, mysql_ssl_set,                                                                                               \
      (MYSQL * m, const char *key, const char *cert, const char *ca, const char *capath, const char *cipher),          \
      (m, key, cert, ca, capath, cipher))                                                                               \
    X(const char *, mysql_get_ssl_cipher, (MYSQL * m), (m))                                                             \
    X(my_bool, mysql_stmt_bind_param, (MYSQL_STMT * s, MYSQL_BIND * b), (s, b))                                        \
    X(my_bool, mysql_stmt_bind_result, (MYSQL_STMT * s, MYSQL_BIND * b), (s, b))                                       \
    X(my_bool, mysql_stmt_close, (MYSQL_STMT * s), (s))                                                                 \
    X(unsigned int, mysql_stmt_errno, (MYSQL_STMT * s), (s))                                                            \
    X(const char *, mysql_stmt_error, (MYSQL_STMT * s), (s))                                                            \
    X(int, mysql_stmt_execute, (MYSQL_STMT * s), (s))                                                                   \
    X(int, mysql_stmt_fetch, (MYSQL_STMT * s), (s))                                                                     \
    X(int, mysql_stmt_fetch_column, (MYSQL_STMT * s, MYSQL_BIND * b, unsigned int column, unsigned long offset),      \
      (s, b, column, offset))                                                                                           \
    X(MYSQL_STMT *, mysql_stmt_init, (MYSQL * m), (m))                                                                  \
    X(unsigned long, mysql_stmt_param_count, (MYSQL_STMT * s), (s))                                                     \
    X(int, mysql_stmt_prepare, (MYSQL_STMT * s, const char *q, unsigned long length), (s, q, length))                 \
    X(MYSQL_RES *, mysql_stmt_result_metadata, (MYSQL_STMT * s), (s))                                                   \
    X(const char *, mysql_stmt_sqlstate, (MYSQL_STMT * s), (s))                                                         \
    X(int, mysql_stmt_store_result, (MYSQL_STMT * s), (s))                                                              \
    X(MYSQL_RES *, mysql_store_result, (MYSQL * m), (m))

#define VOID_FUNCTIONS(X)                                                                                              \
    X(mysql_close, (MYSQL * m), (m))                                                                                    \
    X(mysql_free_result, (MYSQL_RES * r), (r))

#define POINTER(ret, name, params, args) static ret(STDCALL *real_##name) params;
#define VOID_POINTER(name, params, args) static void(STDCALL *real_##name) params;
MARIADB_FUNCTIONS(POINTER)
VOID_FUNCTIONS(VOID_POINTER)
static int(STDCALL *real_mysql_server_init)(int argc, char **argv, char **groups);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char loadError[512];
static int loaded;
static int tlsWanted;
static int openSSLSkipped;

static void *resolve(void *library, const char *name) {
    void *symbol = dlsym(library, name);
    if (!symbol && !loadError[0]) snprintf(loadError, sizeof loadError, "libmariadb.so.3 has no %s", name);
    return symbol;
}

/* OPENSSL_init_ssl's options (openssl/crypto.h, openssl/ssl.h; stable since OpenSSL 1.1.0). */
#define NO_LOAD_CRYPTO_STRINGS 0x00000001ULL
#define NO_ADD_ALL_CIPHERS 0x00000010ULL
#define NO_ADD_ALL_DIGESTS 0x00000020ULL
#define NO_LOAD_CONFIG 0x00000080ULL
#define NO_LOAD_SSL_STRINGS 0x00100000ULL

/* mysql_server_init sets OpenSSL up in full whether or not a connection will use TLS: it reads openssl.cnf,
   registers every cipher and digest and loads the error strings, which leaves libcrypto 3.1 MiB resident instead of
   1.6. The MariaDB module never asks for TLS, so those one-time steps are claimed first with OpenSSL's NO_ options
   (each takes the step's run-once, so the connector's later request finds it done). OpenSSL still fetches any
   algorithm a connection needs (an auth plugin's RSA or SHA-2) from its default provider on first use.
   A process whose first connection asks for TLS (ZM_DB_SSL_CA_CERT) gets the full set-up instead, openssl.cnf
   included, as ZoneMinder's own processes do: lookout_mariadb_want_tls() before that first connection. */
static void skipOpenSSLSetUp(void *library) {
    int (*initSSL)(uint64_t options, const void *settings) =
        (int (*)(uint64_t, const void *))dlsym(library, "OPENSSL_init_ssl");
    if (initSSL)
        initSSL(NO_LOAD_CONFIG | NO_ADD_ALL_CIPHERS | NO_ADD_ALL_DIGESTS | NO_LOAD_CRYPTO_STRINGS | NO_LOAD_SSL_STRINGS,
                NULL);
}

static void load(void) {
    void *library = dlopen("libmariadb.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(loadError, sizeof loadError, "cannot load MariaDB Connector/C (install libmariadb3): %s", dlerror());
        return;
    }
#define RESOLVE(ret, name, params, args) real_##name = (ret(STDCALL *) params)resolve(library, #name);
#define VOID_RESOLVE(name, params, args) real_##name = (void(STDCALL *) params)resolve(library, #name);
    MARIADB_FUNCTIONS(RESOLVE)
    VOID_FUNCTIONS(VOID_RESOLVE)
    real_mysql_server_init = (int(STDCALL *)(int, char **, char **))resolve(library, "mysql_server_init");
    loaded = !loadError[0];
    if (loaded && !__atomic_load_n(&tlsWanted, __ATOMIC_ACQUIRE)) {
        skipOpenSSLSetUp(library);
        openSSLSkipped = 1;
    }
}

const char *lookout_mariadb_load_error(void) { return loadError[0] ? loadError : NULL; }

void lookout_mariadb_want_tls(void) { __atomic_store_n(&tlsWanted, 1, __ATOMIC_RELEASE); }

int lookout_mariadb_openssl_setup_skipped(void) { return openSSLSkipped; }

int STDCALL mysql_server_init(int argc, char **argv, char **groups) {
    pthread_once(&once, load);
    return loaded ? real_mysql_server_init(argc, argv, groups) : 1;
}

#define FORWARD(ret, name, params, args) ret STDCALL name params { return real_##name args; }
#define VOID_FORWARD(name, params, args) void STDCALL name params { real_##name args; }
MARIADB_FUNCTIONS(FORWARD)
VOID_FUNCTIONS(VOID_FORWARD)

#pragma GCC visibility pop
