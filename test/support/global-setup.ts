import "reflect-metadata";
import { makeTemplate } from "./pglite-template";

export default makeTemplate;
