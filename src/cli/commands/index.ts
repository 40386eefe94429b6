/**
 * Every subcommand, in the order `vmlab --help` lists them. A command file
 * exports one `register(program)`; add it here.
 */
import type { Command } from "commander";

export type Register = (program: Command) => void;

export const COMMANDS: readonly Register[] = [];
