#pragma once
#include <stdint.h>

/* Bytes of disk a tree uses (st_blocks), not crossing mount points. */
uint64_t tree_disk_usage(const char *path);
