/**
 * Every subcommand, in the order `vmlab --help` lists them. A command file
 * exports one `register(program)`; add it here, one line each.
 */
import type { Command } from "commander";
import { register as asm } from "./asm";
import { register as boot } from "./boot";
import { register as emulate } from "./emulate";
import { register as bench } from "./bench";
import { register as build } from "./build";
import { register as exportHandouts } from "./export";
import { register as problem } from "./problem";
import { register as release } from "./release";
import { register as grade } from "./grade";
import { register as feedback } from "./feedback";
import { register as run } from "./run";
import { register as fetch } from "./fetch";
import { register as checkNotebook } from "./check";
import { register as kernel } from "./kernel";
import { register as mkfs } from "./mkfs";
import { register as fsImage } from "./fs";
import { register as diskImage } from "./image";
import { register as resume } from "./resume";
import { register as host } from "./host";
import { register as javap } from "./javap";
import { register as container } from "./container";

export type Register = (program: Command) => void;

export const COMMANDS: readonly Register[] = [
  build,
  asm,
  boot,
  container,
  emulate,
  bench,
  exportHandouts,
  release,
  grade,
  feedback,
  fetch,
  checkNotebook,
  problem,
  run,
  kernel,
  mkfs,
  fsImage,
  diskImage,
  resume,
  host,
  javap,
];
