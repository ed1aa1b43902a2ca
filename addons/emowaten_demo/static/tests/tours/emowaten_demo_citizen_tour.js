import { registry } from "@web/core/registry";

// The citizen's journey on the demo database: file a request without an account,
// read the receipt, follow it with the tracking code, sign in, find it among "my
// requests", write to the office, add a document, then rate an answered request.
//
// The test passes what the journey needs (the citizen's CIN and login, the texts to
// type, the reference of an answered request, the language) in cookies
// (emowaten_journey_*); the first step copies them to sessionStorage, where the
// steps after each page load find them with what the journey learnt (reference,
// tracking code). Steps use ids and classes only, never texts: the same tour runs
// in Arabic and in French. What is wrong with the language of a page is collected
// and reported by the last step, so that one such defect does not hide the others.
const KEY = "emowaten_demo_citizen_";

function cookie(name) {
    const prefix = `emowaten_journey_${name}=`;
    const found = document.cookie.split("; ").find((c) => c.startsWith(prefix));
    return found ? decodeURIComponent(found.slice(prefix.length)) : "";
}

function remember(name, value) {
    window.sessionStorage.setItem(KEY + name, value);
}

function recall(name) {
    return window.sessionStorage.getItem(KEY + name) || "";
}

const ARABIC = /[\u0600-\u06FF]/;
const LATIN_WORD = /[A-Za-z\u00C0-\u017F]{3,}/;
// texts of the page's own wording (headings, labels, column titles, buttons), not of
// the data a person typed
const WORDING = "h1.h2, h2, legend, label, th, dt, .nav-link, .btn, .alert, .form-text";

// What is wrong without stopping the citizen (a page in the wrong language, a letter
// missing) is collected and reported by the last step, so that the rest of the
// journey still runs and shows its own defects.
function problem(text) {
    const problems = new Set(JSON.parse(recall("problems") || "[]"));
    problems.add(`${window.location.pathname}: ${text}`);
    remember("problems", JSON.stringify([...problems]));
}

function checkDirection() {
    const expected = recall("lang") === "ar" ? "rtl" : "ltr";
    const actual = getComputedStyle(document.body).direction;
    if (actual !== expected) {
        problem(`the page of the ${recall("lang")} journey is written ${actual}`);
    }
    const declared = (document.documentElement.getAttribute("lang") || "").toLowerCase();
    if (!declared.startsWith(recall("lang"))) {
        // screen readers and browsers read the page's language from <html lang>
        problem(`the page declares the language "${declared}" (<html lang>)`);
    }
    const arabicWording = recall("lang") === "ar";
    for (const element of document.querySelectorAll(WORDING)) {
        if (element.closest(".o_emowaten_history, .o_emowaten_description, [dir=ltr]")) {
            continue;
        }
        const text = element.textContent.replace(/\s+/g, " ").trim();
        // references such as TUN-2026-000123 are not wording
        const latin = LATIN_WORD.test(text.replace(/[A-Z]{2,}-[0-9-]+/g, ""));
        if (arabicWording && latin && !ARABIC.test(text)) {
            problem(`untranslated wording "${text.slice(0, 80)}"`);
        } else if (!arabicWording && !latin && ARABIC.test(text)) {
            problem(`Arabic wording on a French page "${text.slice(0, 80)}"`);
        }
    }
}

function attachPdf(input, name) {
    const text = `e-Mowaten journey document ${name}`;
    const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
    const objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
            "/Resources << /Font << /F1 5 0 R >> >> >>",
        `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ];
    let pdf = "%PDF-1.4\n";
    const offsets = [];
    objects.forEach((body, index) => {
        offsets.push(pdf.length);
        pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) {
        pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
    }
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    const transfer = new DataTransfer();
    transfer.items.add(new File([pdf], name, { type: "application/pdf" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

function checkReferenceShown(selector) {
    const shown = document.querySelector(selector).textContent;
    if (!shown.includes(recall("reference"))) {
        throw new Error(`"${shown.trim()}" does not show ${recall("reference")}`);
    }
}

registry.category("web_tour.tours").add("emowaten_demo_citizen_tour", {
    url: "/emowaten/file",
    steps: () => [
        // ---------------------------------------------------------- filing
        {
            content: "The public filing form opens; keep what the journey needs",
            trigger: "form.o_emowaten_intake_form",
            run() {
                for (const name of [
                    "subject",
                    "cin",
                    "email",
                    "login",
                    "password",
                    "reply",
                    "comment",
                    "answered",
                ]) {
                    remember(name, cookie(name));
                }
                remember("lang", cookie("lang"));
                remember("problems", "[]");
                checkDirection();
            },
        },
        {
            content: "Choose the type of request",
            trigger: "select#emw_type_id",
            run: "selectByIndex 1",
        },
        {
            content: "Write the subject",
            trigger: "input#emw_subject",
            run: (helpers) => helpers.edit(recall("subject")),
        },
        {
            content: "Describe the request",
            trigger: "textarea#emw_description",
            run: "edit A deep pothole has been in front of the school gate for a month.",
        },
        {
            content: "Choose the governorate",
            trigger: "select#emw_state_id",
            run: "selectByIndex 1",
        },
        {
            content: "Attach a document to the filing",
            trigger: "input#emw_attachments",
            run({ anchor }) {
                attachPdf(anchor, "journey-intake.pdf");
            },
        },
        {
            content: "Full name",
            trigger: "input#emw_name",
            run: "edit Amira Ben Salah",
        },
        {
            content: "CIN",
            trigger: "input#emw_cin",
            run: (helpers) => helpers.edit(recall("cin")),
        },
        {
            content: "E-mail",
            trigger: "input#emw_email",
            run: (helpers) => helpers.edit(recall("email") || "citoyen@example.tn"),
        },
        {
            content: "Give consent",
            trigger: "input#emw_consent",
            run: "check",
        },
        {
            content: "Send the request",
            trigger: "form.o_emowaten_intake_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        // ---------------------------------------------------------- receipt
        {
            content: "The receipt shows the reference and the tracking code",
            trigger: ".o_emowaten_receipt .o_emowaten_tracking_code:not(:empty)",
            run() {
                const reference = document
                    .querySelector(".o_emowaten_reference")
                    .textContent.trim();
                const code = document
                    .querySelector(".o_emowaten_tracking_code")
                    .textContent.trim();
                if (!/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(code)) {
                    throw new Error(`Unexpected tracking code: ${code}`);
                }
                if (!reference || reference === "/") {
                    throw new Error(`Unexpected reference: ${reference}`);
                }
                remember("reference", reference);
                remember("code", code);
                checkDirection();
            },
        },
        {
            content: "Keep a picture of the receipt",
            trigger: ".o_emowaten_receipt",
            async run() {
                console.log("emowaten-screenshot:receipt");
                await new Promise((resolve) => setTimeout(resolve, 1000));
            },
        },
        // ---------------------------------------------------------- tracking
        {
            content: "Go to the tracking page",
            trigger: ".o_emowaten_portal a.btn[href$='/emowaten/track']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Type the tracking code",
            trigger: "input#emw_track_code",
            run: (helpers) => {
                checkDirection();
                return helpers.edit(recall("code"));
            },
        },
        {
            content: "Follow the request",
            trigger: "form:has(input#emw_track_code) button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The tracked request shows its reference and due date",
            trigger: ".o_emowaten_request_detail .o_emowaten_due:not(:empty)",
            run() {
                checkReferenceShown(".o_emowaten_request_detail h1");
                checkDirection();
            },
        },
        {
            content: "A visitor with the code is invited to sign in to act",
            trigger: ".o_emowaten_request_detail a[href*='/web/login']",
            run: "click",
            expectUnloadPage: true,
        },
        // ---------------------------------------------------------- sign in
        {
            content: "Login",
            trigger: "form.oe_login_form input#login",
            run: (helpers) => {
                checkDirection();
                return helpers.edit(recall("login"));
            },
        },
        {
            content: "Password",
            trigger: "form.oe_login_form input#password",
            run: (helpers) => helpers.edit(recall("password")),
        },
        {
            content: "Sign in",
            trigger: "form.oe_login_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Signed in, the citizen is back on the request and may act on it",
            trigger: ".o_emowaten_request_detail #actions",
            run() {
                checkReferenceShown(".o_emowaten_request_detail h1");
                checkDirection();
            },
        },
        // ---------------------------------------------------------- my requests
        {
            content: "Open the list of my requests",
            trigger: ".breadcrumb a[href$='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new request is listed among my requests; open it",
            trigger: "table a[href*='/my/requests/']",
            run() {
                checkDirection();
                const link = [...document.querySelectorAll("table a[href*='/my/requests/']")]
                    .find((a) => a.textContent.trim() === recall("reference"));
                if (!link) {
                    throw new Error(`${recall("reference")} is not among my requests`);
                }
                link.click();
            },
            expectUnloadPage: true,
        },
        // ---------------------------------------------------------- reply
        {
            content: "Write to the office",
            trigger: "textarea#emw_reply_message",
            run: (helpers) => helpers.edit(recall("reply")),
        },
        {
            content: "Send the message",
            trigger: "form:has(textarea#emw_reply_message) button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The message is confirmed and appears in the history",
            trigger: ".o_emowaten_request_detail .alert-success",
            run() {
                const history = document.querySelector(".o_emowaten_history");
                if (!history || !history.textContent.includes(recall("reply"))) {
                    throw new Error("The citizen's message is not in the history");
                }
            },
        },
        {
            content: "Choose a document to add",
            trigger: "input#emw_more_attachments",
            run({ anchor }) {
                attachPdf(anchor, "journey-document.pdf");
            },
        },
        {
            content: "Add the document",
            trigger: "form:has(input#emw_more_attachments) button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The document is confirmed and listed in the history",
            trigger: ".o_emowaten_history li:contains(journey-document.pdf)",
            run() {
                if (!document.querySelector(".o_emowaten_request_detail .alert-success")) {
                    throw new Error("No confirmation after adding the document");
                }
                checkDirection();
            },
        },
        // ---------------------------------------------------------- rating
        {
            content: "Back to my requests",
            trigger: ".breadcrumb a[href$='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the answered request",
            trigger: "table a[href*='/my/requests/']",
            run() {
                const link = [...document.querySelectorAll("table a[href*='/my/requests/']")]
                    .find((a) => a.textContent.trim() === recall("answered"));
                if (!link) {
                    throw new Error(`${recall("answered")} is not among my requests`);
                }
                link.click();
            },
            expectUnloadPage: true,
        },
        {
            content: "The answer is listed; its letter downloads as a PDF",
            trigger: ".o_emowaten_request_detail .o_emowaten_answer",
            async run() {
                const link = document.querySelector(".o_emowaten_answer a.o_emowaten_letter");
                if (!link) {
                    problem("the answered request offers no answer letter to download");
                    return;
                }
                const response = await fetch(link.href);
                const type = response.headers.get("content-type") || "";
                const body = new Uint8Array(await response.arrayBuffer());
                const magic = String.fromCharCode(...body.slice(0, 5));
                if (!response.ok || !type.includes("pdf") || magic !== "%PDF-") {
                    problem(`the answer letter is not a PDF: ${response.status} ${type} "${magic}"`);
                }
            },
        },
        {
            content: "Give 4 out of 5",
            trigger: "#rating input#emw_score_4",
            run: "check",
        },
        {
            content: "Comment the answer",
            trigger: "#rating textarea#emw_rating_comment",
            run: (helpers) => helpers.edit(recall("comment")),
        },
        {
            content: "Send the rating",
            trigger: "#rating button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is confirmed and shown",
            trigger: ".o_emowaten_request_detail .alert-success",
            run() {
                const rating = document.querySelector("#rating strong");
                if (!rating || !rating.textContent.includes("4")) {
                    throw new Error("The stored rating is not shown");
                }
                checkDirection();
            },
        },
        // ---------------------------------------------------------- the language
        {
            content: "Nothing went wrong on the way: every page in the journey's language, and said so",
            trigger: "body",
            run() {
                checkDirection();
                const problems = JSON.parse(recall("problems") || "[]");
                if (problems.length) {
                    throw new Error(
                        `The journey in "${recall("lang")}" met these defects:\n` +
                            problems.join("\n")
                    );
                }
            },
        },
    ],
});
