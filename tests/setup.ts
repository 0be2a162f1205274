// Root hooks of the whole mocha run (listed in .mocharc.json and .mocharc.slow.json).
import { removeTempDirs } from "./harness";

export const mochaHooks = {
  afterAll(): void {
    removeTempDirs();
  },
};
