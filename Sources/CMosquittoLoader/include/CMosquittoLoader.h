#ifndef CMOSQUITTO_LOADER_H
#define CMOSQUITTO_LOADER_H

/* Loads libmosquitto.so.1 once (dlopen) and calls mosquitto_lib_init; returns NULL when it is ready, else why not.
   Every other mosquitto_* function may be called only after this returned NULL. `tls` (first call only): set OpenSSL
   up in full first (loader.c says why). */
const char *lookout_mosquitto_load(int tls);

#endif
