/* fib: Fibonacci numbers by recursion (calls and the stack), and
 * multiply, divide and remainder through libgcc (__mulsi3, __divsi3,
 * __modsi3, __udivsi3 on rv32i): a 32-bit multiplicative hash of each
 * number, and signed quotients that round toward zero. Exit status 42. */
#include "lib.h"

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  for (unsigned n = 0; n <= 20; n += 4) {
    print("fib(");
    print_uint(n);
    print(") = ");
    print_uint(fib(n));
    print("\n");
  }
  unsigned hash = 0;
  for (unsigned n = 1; n <= 40; n++) hash = (hash ^ fib(n % 16)) * 2654435761u;
  print("hash ");
  print_uint(hash);
  print("\n");
  volatile int a = -7, b = 2, big = -2147483647 - 1, minus1 = -1;
  print_int(a / b);
  print(" ");
  print_int(a % b);
  print(" ");
  print_int(big / 3);
  print(" ");
  print_int(big * minus1);
  print("\n");
  return 42;
}
