/* The libmosquitto functions the MQTT bridge calls, forwarded to libmosquitto.so.1 loaded with dlopen when the bridge
   starts. Linking libmosquitto would make every agent map it with libssl and libcrypto (docs/performance.md) even when
   MQTT is off, which is the common case. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Hidden: the forwarders must not interpose on libmosquitto's own symbols through the executable's dynamic table. */
#pragma GCC visibility push(hidden)
#include <mosquitto.h>
#include "CMosquittoLoader.h"

typedef void (*connect_cb)(struct mosquitto *, void *, int);
typedef void (*message_cb)(struct mosquitto *, void *, const struct mosquitto_message *);
typedef int (*password_cb)(char *buf, int size, int rwflag, void *userdata);

#define MOSQUITTO_FUNCTIONS(X)                                                                                         \
    X(struct mosquitto *, mosquitto_new, (const char *id, bool clean, void *obj), (id, clean, obj))                    \
    X(int, mosquitto_username_pw_set, (struct mosquitto * m, const char *user, const char *password),                 \
      (m, user, password))                                                                                              \
    X(int, mosquitto_will_set, (struct mosquitto * m, const char *topic, int length, const void *payload, int qos,    \
                                bool retain),                                                                           \
      (m, topic, length, payload, qos, retain))                                                                         \
    X(int, mosquitto_tls_set, (struct mosquitto * m, const char *cafile, const char *capath, const char *certfile,    \
                               const char *keyfile, password_cb callback),                                             \
      (m, cafile, capath, certfile, keyfile, callback))                                                                 \
    X(int, mosquitto_connect_async, (struct mosquitto * m, const char *host, int port, int keepalive),                \
      (m, host, port, keepalive))                                                                                       \
    X(int, mosquitto_reconnect_async, (struct mosquitto * m), (m))                                                      \
    X(int, mosquitto_disconnect, (struct mosquitto * m), (m))                                                           \
    X(int, mosquitto_publish, (struct mosquitto * m, int *mid, const char *topic, int length, const void *payload,    \
                               int qos, bool retain),                                                                  \
      (m, mid, topic, length, payload, qos, retain))                                                                    \
    X(int, mosquitto_subscribe, (struct mosquitto * m, int *mid, const char *pattern, int qos), (m, mid, pattern, qos)) \
    X(int, mosquitto_socket, (struct mosquitto * m), (m))                                                               \
    X(int, mosquitto_loop_read, (struct mosquitto * m, int packets), (m, packets))                                      \
    X(int, mosquitto_loop_write, (struct mosquitto * m, int packets), (m, packets))                                     \
    X(int, mosquitto_loop_misc, (struct mosquitto * m), (m))                                                            \
    X(bool, mosquitto_want_write, (struct mosquitto * m), (m))                                                          \
    X(int, mosquitto_max_inflight_messages_set, (struct mosquitto * m, unsigned int count), (m, count))                 \
    X(int, mosquitto_int_option, (struct mosquitto * m, enum mosq_opt_t option, int value), (m, option, value))        \
    X(const char *, mosquitto_strerror, (int code), (code))

#define VOID_FUNCTIONS(X)                                                                                              \
    X(mosquitto_destroy, (struct mosquitto * m), (m))                                                                   \
    X(mosquitto_user_data_set, (struct mosquitto * m, void *obj), (m, obj))                                             \
    X(mosquitto_connect_callback_set, (struct mosquitto * m, connect_cb callback), (m, callback))                      \
    X(mosquitto_disconnect_callback_set, (struct mosquitto * m, connect_cb callback), (m, callback))                   \
    X(mosquitto_publish_callback_set, (struct mosquitto * m, connect_cb callback), (m, callback))                      \
    X(mosquitto_message_callback_set, (struct mosquitto * m, message_cb callback), (m, callback))

#define POINTER(ret, name, params, args) static ret(*real_##name) params;
#define VOID_POINTER(name, params, args) static void(*real_##name) params;
MOSQUITTO_FUNCTIONS(POINTER)
VOID_FUNCTIONS(VOID_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char loadError[512];

static void *resolve(void *library, const char *name) {
    void *symbol = dlsym(library, name);
    if (!symbol && !loadError[0]) snprintf(loadError, sizeof loadError, "libmosquitto.so.1 has no %s", name);
    return symbol;
}

/* OPENSSL_init_ssl's options (openssl/crypto.h, openssl/ssl.h; stable since OpenSSL 1.1.0). */
#define LOAD_CRYPTO_STRINGS 0x00000002ULL
#define ADD_ALL_CIPHERS 0x00000004ULL
#define ADD_ALL_DIGESTS 0x00000008ULL
#define LOAD_CONFIG 0x00000040ULL
#define LOAD_SSL_STRINGS 0x00200000ULL

/* OpenSSL's one-time set-up steps, claimed in full, as libmosquitto itself asks for them when it first makes a TLS
   context. CMariaDBLoader claims them with OpenSSL's NO_ options (it never uses TLS and saves 1.5 MiB that way); a
   step claimed like that is never run, and a TLS handshake then fails certificate verification. So this runs
   before MariaDB Connector/C is loaded (`lookout_mosquitto_load(1)` early in the agent's start when MQTT uses TLS),
   and only then: without TLS the full set-up would cost about 1.5 MiB for nothing. */
static void initOpenSSL(void *library) {
    int (*initSSL)(uint64_t options, const void *settings) =
        (int (*)(uint64_t, const void *))dlsym(library, "OPENSSL_init_ssl");
    if (initSSL) initSSL(LOAD_CONFIG | ADD_ALL_CIPHERS | ADD_ALL_DIGESTS | LOAD_CRYPTO_STRINGS | LOAD_SSL_STRINGS, NULL);
}

static int fullOpenSSL;

static void load(void) {
    void *library = dlopen("libmosquitto.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(loadError, sizeof loadError, "cannot load libmosquitto (install libmosquitto1): %s", dlerror());
        return;
    }
#define RESOLVE(ret, name, params, args) real_##name = (ret(*) params)resolve(library, #name);
#define VOID_RESOLVE(name, params, args) real_##name = (void(*) params)resolve(library, #name);
    MOSQUITTO_FUNCTIONS(RESOLVE)
    VOID_FUNCTIONS(VOID_RESOLVE)
    if (fullOpenSSL) initOpenSSL(library);
    int (*init)(void) = (int (*)(void))resolve(library, "mosquitto_lib_init");
    if (!loadError[0] && init && init() != MOSQ_ERR_SUCCESS)
        snprintf(loadError, sizeof loadError, "mosquitto_lib_init failed");
}

const char *lookout_mosquitto_load(int tls) {
    fullOpenSSL = tls;
    pthread_once(&once, load);
    return loadError[0] ? loadError : NULL;
}

#define FORWARD(ret, name, params, args) ret name params { return real_##name args; }
#define VOID_FORWARD(name, params, args) void name params { real_##name args; }
MOSQUITTO_FUNCTIONS(FORWARD)
VOID_FUNCTIONS(VOID_FORWARD)

#pragma GCC visibility pop
