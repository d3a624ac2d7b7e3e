#ifndef CMARIADB_LOADER_H
#define CMARIADB_LOADER_H

/* Why libmariadb could not be loaded (dlopen or dlsym's message), or NULL when it loaded or was not tried yet. */
const char *lookout_mariadb_load_error(void);

/* Asks for OpenSSL's full set-up (openssl.cnf, ciphers, error strings) when the library is loaded: call before the
   process's first connection when that connection uses TLS. Later calls change nothing. */
void lookout_mariadb_want_tls(void);

/* 1 when the library was loaded with OpenSSL's set-up skipped (no TLS asked for before the first connection). */
int lookout_mariadb_openssl_setup_skipped(void);

#endif
