/* intern.h: strings many rows repeat (a namespace, a node, a status, the
 * labels pods of one ReplicaSet share), kept once and shared. At 50,000 pods
 * this is a fifth of the store's memory. Reference counted, so a value no
 * row holds any more goes away (labels of old ReplicaSets under churn).
 * Single-threaded, like the rest of the store. */
#ifndef BINNACLE_INTERN_H
#define BINNACLE_INTERN_H

#include <stddef.h>

/* The shared copy of s (one more holder); never NULL for a non-NULL s. */
const char *intern_get(const char *s);
/* One holder fewer for a string intern_get returned; freed with the last. */
void intern_put(const char *s);
/* Distinct strings held (tests, diagnostics). */
size_t intern_count(void);

#endif
