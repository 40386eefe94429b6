// Interfaces with static and default methods, I.super.m(), a static
// initializer, throws lists, and the modifiers javap spells.
interface Greeter {
    int LIMIT = 3;
    static String hello(String who) { return "hello " + who; }
    default String greet() { return hello("world"); }
}

interface Loud extends Greeter {
    String shout();
}

abstract class Animal {
    static int created;
    static final int[] TABLE;
    static { TABLE = new int[] { 1, 2, 3 }; created = TABLE.length; }
    protected final String name;
    transient volatile long stamp;
    Animal(String name) { this.name = name; created++; }
    protected abstract int legs();
    public static synchronized int count() { return created; }
}

public class Kinds extends Animal implements Loud {
    Kinds() { super("dog"); }
    protected int legs() { return 4; }
    public String shout() { return Loud.super.greet().toUpperCase(); }
    final void check(int x) throws IllegalArgumentException, IllegalStateException {
        if (x < 0) throw new IllegalArgumentException("negative: " + x);
        if (x > LIMIT) throw new IllegalStateException();
    }
    public static void main(String[] args) {
        Kinds k = new Kinds();
        char c = 'A';
        c += 2;
        short s = (short) (c * 1000);
        byte b = (byte) s;
        long shifted = (1L << 40) >>> 3;
        System.out.println(k.shout() + k.legs() + count() + c + s + b + shifted + (args == null));
    }
}
