#ifndef CMARIADB_SHIM_H
#define CMARIADB_SHIM_H
/* mysql.h lives in /usr/include/mariadb; the include path comes from `pkg-config --cflags libmariadb`. */
#include <mysql.h>
#endif
