// Helpers shared by the staff journeys (the Python tests pass values through cookies).

// Values chosen by the Python test (translated names, references).
export function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// Mark the screen shown now, so that the next step waits for the one a click opens.
export function markStale() {
    document.querySelectorAll(".o_action").forEach((el) => el.classList.add("o_emw_stale"));
}
export const NEW_SCREEN = ".o_action:not(.o_emw_stale)";

export function openApp(xmlid) {
    return [
        {
            trigger: ".o_navbar_apps_menu button.dropdown-toggle",
            run(helpers) {
                markStale();
                return helpers.click();
            },
        },
        { trigger: `.o-dropdown--menu [data-menu-xmlid='${xmlid}']`, run: "click" },
        { trigger: `.o_main_navbar [data-menu-xmlid='${xmlid}']` },
        { trigger: NEW_SCREEN },
    ];
}

export function openMenu(section, item) {
    return [
        {
            trigger: `.o_menu_sections [data-menu-xmlid='${section}']`,
            run(helpers) {
                markStale();
                return helpers.click();
            },
        },
        { trigger: `.o-dropdown--menu [data-menu-xmlid='${item}']`, run: "click" },
        { trigger: NEW_SCREEN },
    ];
}
