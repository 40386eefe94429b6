#!/usr/bin/env node
"use strict";
// The `vmlab` command: a thin shim over the compiled CLI in dist/.
require("../dist/cli/main.js").main(process.argv);
