import { registry } from "@web/core/registry";

/**
 * During the journeys, a printed report (PDF receipt, XLSX statistics) is not downloaded
 * by the headless browser: once a tour step set window.emowatenCaptureReports, the report
 * action is recorded on <body data-emowaten-report="..."> so that the next step can check
 * that the right report was reached; the Python test renders the document itself.
 */
registry.category("ir.actions.report handlers").add(
    "emowaten_demo_capture",
    async (action) => {
        if (!window.emowatenCaptureReports) {
            return false;
        }
        window.emowatenCaptureReports.push(action.report_name);
        document.body.dataset.emowatenReport = action.report_name;
        return true;
    },
    { sequence: 1 }
);
