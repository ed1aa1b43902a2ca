/* Accessibility audit run by tests/test_accessibility.py in Odoo's test browser.
 *
 * Not an asset: the test reads this file and evaluates it in the page, with the list
 * of pages, the address of axe-core and the WCAG tags filled in. Each page is opened
 * in a frame that covers the whole window (so the page is laid out at the window's
 * size: desktop or phone), its
 * form optionally filled and submitted (error messages are audited too), axe-core
 * injected into it and run. Every violation of every page is reported at the end, in
 * one console.error that fails the test; otherwise "test successful". */
(async () => {
    const pages = __PAGES__;
    const axeUrl = __AXE_URL__;
    const tags = __AXE_TAGS__;
    const frame = document.createElement("iframe");
    frame.title = "audit";
    frame.style.cssText =
        "position:fixed;inset:0;width:100vw;height:100vh;border:0;z-index:2147483647;background:#fff";
    document.body.appendChild(frame);
    const loaded = (action) =>
        new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("page load timed out")), 30000);
            frame.addEventListener(
                "load",
                () => {
                    clearTimeout(timer);
                    resolve();
                },
                { once: true }
            );
            action();
        });
    const injectAxe = (doc) =>
        new Promise((resolve, reject) => {
            const script = doc.createElement("script");
            script.src = axeUrl;
            script.onload = resolve;
            script.onerror = () =>
                reject(new Error(`axe-core could not be loaded from ${axeUrl}`));
            doc.head.appendChild(script);
        });
    const report = [];
    let audited = 0;
    let version = "";
    for (const page of pages) {
        await loaded(() => {
            frame.src = page.url;
        });
        if (page.submit) {
            const doc = frame.contentDocument;
            const field = doc.querySelector(page.submit.field);
            if (!field || !field.form) {
                throw new Error(`${page.name}: no form holding ${page.submit.field}`);
            }
            const form = field.form;
            for (const [name, value] of Object.entries(page.submit.values || {})) {
                const input = form.elements[name];
                if (!input) {
                    throw new Error(`${page.name}: the form has no field ${name}`);
                }
                if (input.type === "checkbox") {
                    input.checked = Boolean(value);
                } else {
                    input.value = value;
                }
            }
            // form.submit() skips the browser's own validation: the server's messages
            // are the ones audited
            await loaded(() => form.submit());
        }
        const win = frame.contentWindow;
        const doc = frame.contentDocument;
        // what the page must show once its scripts have run (the login form is
        // only revealed by Odoo's JavaScript)
        const deadline = Date.now() + 15000;
        while (page.expect && !doc.querySelector(page.expect)) {
            if (Date.now() > deadline) {
                throw new Error(
                    `${page.name}: ${page.expect} not found on ${win.location.pathname}`
                );
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await injectAxe(doc);
        if (!win.axe || typeof win.axe.run !== "function") {
            throw new Error("axe-core did not define axe.run");
        }
        const result = await win.axe.run(doc, {
            runOnly: { type: "tag", values: tags },
            resultTypes: ["violations"],
        });
        audited++;
        version = win.axe.version;
        for (const violation of result.violations) {
            const targets = violation.nodes
                .slice(0, 6)
                .map((node) => node.target.join(" "))
                .join(" | ");
            const why = (violation.nodes[0].failureSummary || "").replace(/\s+/g, " ");
            report.push(
                `${page.name} [${doc.documentElement.lang || "no lang"}]: ${violation.id} ` +
                    `(${violation.impact}, ${violation.nodes.length} nodes): ${violation.help} -> ${targets}: ${why}`
            );
        }
    }
    console.info(`axe-core ${version} audited ${audited} pages`);
    if (report.length) {
        console.error(`axe-core violations (${report.length}):\n` + report.join("\n"));
    } else {
        console.log("test successful");
    }
})();
