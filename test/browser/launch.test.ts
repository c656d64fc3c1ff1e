import { launchChromium } from "../support/browser";

describe("launchChromium", () => {
  it("fails naming the install command when Chromium is missing, rather than skipping", async () => {
    await expect(launchChromium("/nonexistent/chromium")).rejects.toThrow(
      "The browser tests need Chromium at /nonexistent/chromium, which is missing. Install it as " +
        "root with `apt-get install -y chromium` (or `bash test/support/ensure-chromium.sh`).",
    );
  });
});
