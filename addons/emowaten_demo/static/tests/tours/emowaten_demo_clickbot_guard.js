import { startClickEverywhere } from "@web/webclient/clickbot/clickbot_loader";

/**
 * Odoo's clickbot fails on error dialogs and RPC errors, but not when a menu silently
 * lands somewhere else (another app such as Discuss, or another action than the menu's).
 * This guard watches every menu click of the clickbot and reports, as a console error
 * (which fails the browser test), any screen that is not the one the menu promises.
 */
window.emowatenGuardedClickEverywhere = function (appXmlid) {
    const env = odoo.__WOWL_DEBUG__.root.env;
    const menus = env.services.menu;
    const actions = env.services.action;
    let clicked = null;
    document.addEventListener(
        "click",
        (ev) => {
            const el = ev.target.closest && ev.target.closest("[data-menu-xmlid]");
            if (el) {
                clicked = menus.getAll().find((m) => m.xmlid === el.dataset.menuXmlid) || null;
            }
        },
        true
    );
    env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", ({ detail: mode }) => {
        const menu = clicked;
        clicked = null;
        if (!menu || !menu.actionID || mode === "new") {
            return;
        }
        const app = menus.getCurrentApp();
        const controller = actions.currentController;
        const action = controller && controller.action;
        if (!app || app.xmlid !== appXmlid) {
            console.error(
                `emowaten: silent redirect: menu ${menu.xmlid} landed in app ` +
                    `${app && app.xmlid} instead of ${appXmlid}`
            );
        } else if (!action || action.id !== menu.actionID) {
            // a server action legitimately opens another action: only the other kinds
            // of menu action must show themselves
            const shown = action && `${action.xml_id || action.id} ${action.name}`;
            actions.loadAction(menu.actionID).then((menuAction) => {
                if (menuAction.type !== "ir.actions.server") {
                    console.error(
                        `emowaten: silent redirect: menu ${menu.xmlid} ` +
                            `(action ${menu.actionID}) shows action ${shown}`
                    );
                }
            });
        } else {
            console.log(`emowaten: menu ${menu.xmlid} shows its action ${action.name}`);
        }
    });
    return startClickEverywhere(appXmlid);
};
