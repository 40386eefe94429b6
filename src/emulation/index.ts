/** RV32I programs on toy32 (DESIGN.md "emulation/"): the ELF loader, the RV32I table, the engines. */
export { parseElf, segmentFlags, PF, type ElfExecutable, type ElfSegment, type ElfLoadOptions } from "./elf";
export { GUEST_BASE, GUEST_SIZE, SEGMENT_LIMIT, STACK_BYTES } from "./guest-space";
export { Interpreter, interpreterProgram, type EngineOptions } from "./interpreter";
export { Translator, type CachedBlock, type Rv32TranslationStats } from "./translator/engine";
export { INSTRUCTION_CLASSES, type Engine, type EmulationResult, type InstructionClass, type StopCause } from "./result";
export { RV32I, RV32_REGISTER_NAMES, decodeRv32, disassembleRv32, encodeRv32, type Rv32Instruction, type Rv32Spec, type Rv32Format, type Rv32Operands } from "./rv32i";
export { loadExecutable, SHIPPED_PROGRAMS_DIR, shippedProgram } from "./programs";
