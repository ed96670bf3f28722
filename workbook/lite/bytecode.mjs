// Run bytecode.py inside the site's own Pyodide (Node.js), on the site's static/pyodide folder.
// Usage: node bytecode.mjs <static/pyodide folder> <bytecode.py> [options of bytecode.main]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [folder, script, ...rest] = process.argv.slice(2);
const site = resolve(folder);
const { loadPyodide } = await import(pathToFileURL(`${site}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${site}/`, stdout: console.log, stderr: console.error });
pyodide.FS.mkdirTree("/site");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: site }, "/site");
pyodide.globals.set("ARGS", pyodide.toPy(["/site", ...rest]));
pyodide.runPython(readFileSync(script, "utf8") + "\n_status = main(list(ARGS))\n");
process.exit(pyodide.globals.get("_status"));
