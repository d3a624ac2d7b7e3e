#ifndef CMARIADB_SHIM_H
#define CMARIADB_SHIM_H
/* Declarations only: libmariadb is not linked but loaded on first use (see CMariaDBLoader). mysql.h includes its
   siblings with quotes, so no -I/usr/include/mariadb is needed. */
#include <mariadb/mysql.h>
#endif
