#ifndef CMOSQUITTO_SHIM_H
#define CMOSQUITTO_SHIM_H
/* Declarations only: libmosquitto is not linked but loaded when the MQTT bridge starts (see CMosquittoLoader). */
#include <mosquitto.h>
#endif
