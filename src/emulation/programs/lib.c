/* The library's C part. Division and remainder in print_uint compile, for
 * -march=rv32i (no M extension), to calls of libgcc's __udivsi3 and
 * __umodsi3. gcc may turn loops into calls of memset and memcpy even with
 * -ffreestanding, so they are here. */
#include "lib.h"

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

void print(const char *s) { write(1, s, strlen(s)); }

void print_uint(unsigned value) {
  char digits[12];
  int i = sizeof digits;
  do {
    digits[--i] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  write(1, digits + i, sizeof digits - i);
}

void print_int(int value) {
  if (value < 0) {
    write(1, "-", 1);
    print_uint(0u - (unsigned)value);
  } else {
    print_uint((unsigned)value);
  }
}
