import { registry } from "@web/core/registry";

// A citizen without an account files a request, reads the tracking code on the receipt
// page, then follows the request with that code. The code is kept in sessionStorage
// because every step after a page load runs in a fresh JavaScript context.
const CODE_KEY = "emowaten_portal_tour_code";

registry.category("web_tour.tours").add("emowaten_portal_file_and_track", {
    url: "/emowaten/file",
    steps: () => [
        {
            content: "Choose the type of request",
            trigger: "select#emw_type_id",
            run: "selectByIndex 1",
        },
        {
            content: "Write the subject",
            trigger: "input#emw_subject",
            run: "edit Streetlight broken in front of the school",
        },
        {
            content: "Describe the request",
            trigger: "textarea#emw_description",
            run: "edit The streetlight has been off for three weeks.",
        },
        {
            content: "Choose the governorate",
            trigger: "select#emw_state_id",
            run: "selectByIndex 1",
        },
        {
            content: "Full name",
            trigger: "input#emw_name",
            run: "edit Amira Tour",
        },
        {
            content: "CIN",
            trigger: "input#emw_cin",
            run: "edit 07654321",
        },
        {
            content: "E-mail",
            trigger: "input#emw_email",
            run: "edit amira.tour@example.com",
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
        {
            content: "The receipt shows the tracking code",
            trigger: ".o_emowaten_tracking_code",
            run({ queryOne }) {
                const trackingCode = queryOne(".o_emowaten_tracking_code").textContent.trim();
                window.sessionStorage.setItem(CODE_KEY, trackingCode);
                if (!/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(trackingCode)) {
                    throw new Error(`Unexpected tracking code: ${trackingCode}`);
                }
            },
        },
        {
            content: "Go to the tracking page",
            trigger: "a.btn[href='/emowaten/track']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Type the tracking code",
            trigger: "input#emw_track_code",
            run({ queryOne }) {
                queryOne("input#emw_track_code").value = window.sessionStorage.getItem(CODE_KEY);
            },
        },
        {
            content: "Follow the request",
            trigger: "input#emw_track_code",
            run({ queryOne }) {
                queryOne("input#emw_track_code").closest("form").requestSubmit();
            },
            expectUnloadPage: true,
        },
        {
            content: "The request page shows the subject and the due date",
            trigger: ".o_emowaten_request_detail h1:contains(Streetlight broken)",
        },
        {
            content: "The due date is displayed",
            trigger: ".o_emowaten_due:not(:empty)",
        },
        {
            content: "The page keeps the reading direction of its language",
            trigger: "html[dir]",
            run() {
                const html = document.documentElement;
                const rtl = document.cookie.includes("frontend_lang=ar");
                if ((html.dir === "rtl") !== rtl) {
                    throw new Error(`Wrong direction ${html.dir} for this language`);
                }
            },
        },
    ],
});
