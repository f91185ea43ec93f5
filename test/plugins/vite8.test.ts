import { pluginSuite } from "../support/plugin-suite.js";

pluginSuite("vite8");
