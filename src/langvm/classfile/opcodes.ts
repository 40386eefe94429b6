/**
 * The one opcode table (JVMS 17 chapter 6, "Instructions"), indexed by
 * opcode: mnemonic and operand layout. The disassembler, the verifier and
 * the interpreter all decode through it (STYLE.md 3).
 */
export type OperandLayout =
  | "none" | "local" | "byte" | "short" | "cp1" | "cp2" | "branch2" | "branch4" | "iinc" | "newarray"
  | "multianewarray" | "invokeinterface" | "invokedynamic" | "tableswitch" | "lookupswitch" | "wide";

export interface OpcodeInfo { opcode: number; mnemonic: string; layout: OperandLayout }

const NAMES = `nop aconst_null iconst_m1 iconst_0 iconst_1 iconst_2 iconst_3 iconst_4 iconst_5 lconst_0 lconst_1
fconst_0 fconst_1 fconst_2 dconst_0 dconst_1 bipush sipush ldc ldc_w ldc2_w iload lload fload dload aload
iload_0 iload_1 iload_2 iload_3 lload_0 lload_1 lload_2 lload_3 fload_0 fload_1 fload_2 fload_3 dload_0
dload_1 dload_2 dload_3 aload_0 aload_1 aload_2 aload_3 iaload laload faload daload aaload baload caload
saload istore lstore fstore dstore astore istore_0 istore_1 istore_2 istore_3 lstore_0 lstore_1 lstore_2
lstore_3 fstore_0 fstore_1 fstore_2 fstore_3 dstore_0 dstore_1 dstore_2 dstore_3 astore_0 astore_1
astore_2 astore_3 iastore lastore fastore dastore aastore bastore castore sastore pop pop2 dup dup_x1
dup_x2 dup2 dup2_x1 dup2_x2 swap iadd ladd fadd dadd isub lsub fsub dsub imul lmul fmul dmul idiv ldiv
fdiv ddiv irem lrem frem drem ineg lneg fneg dneg ishl lshl ishr lshr iushr lushr iand land ior lor ixor
lxor iinc i2l i2f i2d l2i l2f l2d f2i f2l f2d d2i d2l d2f i2b i2c i2s lcmp fcmpl fcmpg dcmpl dcmpg ifeq
ifne iflt ifge ifgt ifle if_icmpeq if_icmpne if_icmplt if_icmpge if_icmpgt if_icmple if_acmpeq if_acmpne
goto jsr ret tableswitch lookupswitch ireturn lreturn freturn dreturn areturn return getstatic putstatic
getfield putfield invokevirtual invokespecial invokestatic invokeinterface invokedynamic new newarray
anewarray arraylength athrow checkcast instanceof monitorenter monitorexit wide multianewarray ifnull
ifnonnull goto_w jsr_w`.split(/\s+/);

function layoutOf(op: number, name: string): OperandLayout {
  if (op === 0x10) return "byte";
  if (op === 0x11) return "short";
  if (op === 0x12) return "cp1";
  if (op === 0x13 || op === 0x14 || (op >= 0xb2 && op <= 0xb8) || op === 0xbb || op === 0xbd || op === 0xc0 || op === 0xc1) return "cp2";
  if ((op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op === 0xa9) return "local";
  if (op === 0x84) return "iinc";
  if ((op >= 0x99 && op <= 0xa8) || op === 0xc6 || op === 0xc7) return "branch2";
  if (op === 0xc8 || op === 0xc9) return "branch4";
  const special: Record<string, OperandLayout> = {
    tableswitch: "tableswitch", lookupswitch: "lookupswitch", invokeinterface: "invokeinterface",
    invokedynamic: "invokedynamic", newarray: "newarray", multianewarray: "multianewarray", wide: "wide",
  };
  return special[name] ?? "none";
}

export const OPCODES: readonly (OpcodeInfo | undefined)[] = Array.from({ length: 256 }, (_, op) => {
  const mnemonic = NAMES[op];
  return mnemonic === undefined ? undefined : { opcode: op, mnemonic, layout: layoutOf(op, mnemonic) };
});

/** JVMS 6.5.newarray, Table 6.5.newarray-A: atype codes. */
export const ARRAY_TYPES: Record<number, string> = { 4: "boolean", 5: "char", 6: "float", 7: "double", 8: "byte", 9: "short", 10: "int", 11: "long" };
