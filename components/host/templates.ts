// kraftlab's templates (templates/ of the checkout): the files it renders, or lays out as they are.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./projectDir";

/** The text of `templates/<name>`. */
export const templateText = (name: string) => fs.readFileSync(path.join(PROJECT_DIR, "templates", name), "utf8");
