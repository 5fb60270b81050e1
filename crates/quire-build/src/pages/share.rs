//! Share links: plain URLs to each network's share form, no third-party
//! scripts.

use quire_theme::UiStrings;

use crate::urls::encode;
use crate::views::ShareLink;

/// Share links as plain URLs: no third-party scripts.
pub(super) fn share_links(permalink: &str, title: &str, ui: &UiStrings) -> Vec<ShareLink> {
    let u = encode(permalink);
    let t = encode(title);
    let link = |id: &str, label: &str, url: String, external: bool| ShareLink {
        id: id.into(),
        label: label.into(),
        url,
        external,
    };
    vec![
        link(
            "x",
            "X",
            format!("https://x.com/intent/post?url={u}&text={t}"),
            true,
        ),
        link(
            "facebook",
            "Facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
            true,
        ),
        link(
            "linkedin",
            "LinkedIn",
            format!("https://www.linkedin.com/sharing/share-offsite/?url={u}"),
            true,
        ),
        link(
            "telegram",
            "Telegram",
            format!("https://t.me/share/url?url={u}&text={t}"),
            true,
        ),
        link(
            "whatsapp",
            "WhatsApp",
            format!("https://wa.me/?text={t}%20{u}"),
            true,
        ),
        link(
            "email",
            ui.get("share_email"),
            format!("mailto:?subject={t}&body={u}"),
            false,
        ),
    ]
}
