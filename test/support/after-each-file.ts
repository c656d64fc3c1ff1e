import { closeTestStores } from "./store";

afterAll(closeTestStores);
