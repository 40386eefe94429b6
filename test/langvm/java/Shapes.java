public class Shapes {
    interface Shape { double area(); default String name() { return "shape"; } }
    static abstract class Base {
        protected int id;
        static int count;
        private long secret = 5L;
        Base(int id) { this.id = id; count++; }
        public abstract double area();
    }
    static final class Square extends Base implements Shape {
        final int side;
        Square(int id, int side) { super(id); this.side = side; }
        public double area() { return side * side; }
        public String name() { return "square\n" + Shape.super.name(); }
    }
    static int classify(int x) {
        switch (x) { case 1: return 10; case 2: return 20; case 3: return 30; default: return -1; }
    }
    static int sparse(int x) {
        switch (x) { case 1: return 10; case 1000: return 20; case -50: return 30; default: return -1; }
    }
    static String word(String s) {
        switch (s) { case "a": return "A"; case "b": return "B"; default: return "?"; }
    }
    public static void main(String[] args) throws Exception {
        int[][] grid = new int[3][4];
        long big = 1234567890123L; float f = 1.5f; double d = 2.25;
        char c = 'x'; byte b = (byte) 200; short sh = 300;
        Object o = new Square(1, 3);
        if (o instanceof Square sq && sq.side > 2) System.out.println(sq.area());
        try { int z = args.length; System.out.println(10 / z); }
        catch (ArithmeticException | NullPointerException e) { System.out.println("caught " + e.getMessage()); }
        finally { System.out.println("finally"); }
        for (int i = 0; i < 300; i++) { grid[i % 3][i % 4] += i; }
        String[] names = new String[2]; boolean[] flags = new boolean[1];
        System.out.println(classify(2) + sparse(1000) + word("b") + big + f + d + c + b + sh + grid[1][1] + names.length + flags[0]);
        int k = 0; k += 1000; k -= 70000;
        System.out.println(k);
    }
}
