// Property tests run with a fixed seed so CI is reproducible; set FC_SEED to explore other inputs.
import fc from "fast-check";
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp.js";

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });

afterAll(() => removeTempDirs());
