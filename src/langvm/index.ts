/** The language VM (DESIGN.md, langvm/): class files and their disassembly so far. */
export { parseClassFile, ACC, MAX_MAJOR_VERSION, type ClassFile, type MemberInfo } from "./classfile/class-file";
export { ClassFormatError } from "./classfile/class-format-error";
export type { Constant, ConstantPool } from "./classfile/constant-pool";
export type { Attribute, CodeAttribute, ExceptionHandler, StackMapFrame, VerificationType } from "./classfile/attributes";
export { decodeCode, type Instruction } from "./classfile/decode";
export { OPCODES, type OpcodeInfo, type OperandLayout } from "./classfile/opcodes";
export { javap } from "./javap";
