/* Declarations only; see CZMLayouts.h. */
#include "CZMLayouts.h"
