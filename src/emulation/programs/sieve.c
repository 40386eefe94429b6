/* sieve: Eratosthenes' sieve of the numbers below 20000 in a byte array
 * in .bss (which the loader must zero-fill), then the count and sum of
 * the primes and the last five of them. The exit status is the count
 * modulo 256 (2262 primes: 2262 % 256 = 214). */
#include "lib.h"

#define LIMIT 20000

static unsigned char composite[LIMIT];

int main(void) {
  unsigned count = 0, sum = 0;
  for (unsigned i = 2; i < LIMIT; i++) {
    if (composite[i]) continue;
    count++;
    sum += i;
    for (unsigned j = i * i; j < LIMIT; j += i) composite[j] = 1;
  }
  print("primes below ");
  print_uint(LIMIT);
  print(": ");
  print_uint(count);
  print(", sum ");
  print_uint(sum);
  print("\nlast:");
  unsigned shown = 0;
  for (unsigned i = LIMIT - 1; i > 1 && shown < 5; i--) {
    if (!composite[i]) {
      print(" ");
      print_uint(i);
      shown++;
    }
  }
  print("\n");
  return (int)(count % 256);
}
