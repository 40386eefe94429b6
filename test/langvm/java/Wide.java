// Constants of every kind, a wide local, negative and large switch keys.
public class Wide {
    static final long BIG = -9000000000L;
    static final String TEXT = "tab\tquote\" back\\ é";
    public static int many(int a) {
        int v0 = 0, v1 = 1, v2 = 2, v3 = 3, v4 = 4, v5 = 5, v6 = 6, v7 = 7, v8 = 8, v9 = 9;
        long l = 123456789012345L * a;
        double d = 0.1 + a; float f = 3.0e-5f * a; double e = 1.0e20 * a;
        int total = v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9;
        switch (a) { case -3: total += 40000; break; case 7: total -= 1; break; case 100000: total = 0; break; default: break; }
        return total + (int) l + (int) d + (int) f + (int) e + TEXT.length();
    }
    protected char[] chars(char c) { char[] cs = new char[] { c, 'a', '\n' }; return cs; }
    private void hidden() { }
    public static void main(String[] args) {
        Object[][] jag = new Object[2][];
        jag[0] = new String[] { "x" };
        System.out.println(many(args.length) + " " + BIG + jag.length);
    }
}
