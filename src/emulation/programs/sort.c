/* sort: 400 pseudo-random numbers from a linear congruential generator
 * (Numerical Recipes' constants; the multiply is libgcc's __mulsi3 on
 * rv32i), sorted by quicksort with insertion sort for short runs; prints
 * the smallest, the median, the largest and a checksum of the order.
 * The exit status is 0 if the result is sorted, 1 if not. */
#include "lib.h"

#define N 400

static int values[N];

static void insertion_sort(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int v = a[i], j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(int *a, int n) {
  while (n > 12) {
    int pivot = a[n / 2], i = 0, j = n - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        int t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    /* Recurse on the shorter side, loop on the longer (bounded stack). */
    if (j + 1 < n - i) {
      quicksort(a, j + 1);
      a += i;
      n -= i;
    } else {
      quicksort(a + i, n - i);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

int main(void) {
  unsigned seed = 12345;
  for (int i = 0; i < N; i++) {
    seed = seed * 1664525u + 1013904223u;
    values[i] = (int)(seed >> 8) - (1 << 23);
  }
  quicksort(values, N);
  unsigned checksum = 0;
  int sorted = 1;
  for (int i = 0; i < N; i++) {
    checksum = checksum * 31u + (unsigned)values[i];
    if (i > 0 && values[i - 1] > values[i]) sorted = 0;
  }
  print("min ");
  print_int(values[0]);
  print(" median ");
  print_int(values[N / 2]);
  print(" max ");
  print_int(values[N - 1]);
  print("\nchecksum ");
  print_uint(checksum);
  print(sorted ? "\nsorted\n" : "\nNOT SORTED\n");
  return sorted ? 0 : 1;
}
