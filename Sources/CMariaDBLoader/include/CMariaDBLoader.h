#ifndef CMARIADB_LOADER_H
#define CMARIADB_LOADER_H

/* Why libmariadb could not be loaded (dlopen or dlsym's message), or NULL when it loaded or was not tried yet. */
const char *lookout_mariadb_load_error(void);

#endif
