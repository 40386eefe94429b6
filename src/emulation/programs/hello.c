/* hello: one write(2) to fd 1, exit status 0.
 * expect stdout: "hello, world\n"   expect status: 0 */
#include "lib.h"

int main(void) {
  static const char greeting[] = "hello, world\n";
  write(1, greeting, sizeof greeting - 1);
  return 0;
}
