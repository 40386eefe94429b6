/* The programs' tiny library: no libc, only write(2) and exit(2). */
#ifndef LIB_H
#define LIB_H

typedef unsigned int size_t;

long write(int fd, const void *buf, size_t len);
void exit(int code) __attribute__((noreturn));

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

/* Print to fd 1: a string, an unsigned and a signed decimal number. */
void print(const char *s);
void print_uint(unsigned value);
void print_int(int value);

#endif
