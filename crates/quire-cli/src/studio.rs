//! `quire studio`: starts the browser studio (quire-studio) and prints
//! where it listens; `quire studio adduser` creates an account.

use std::io::BufRead;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::exit::Outcome;

/// `quire studio [--root DIR] [--bind ADDR] [--port N] [--open] [--git]`.
pub fn run(root: PathBuf, bind: IpAddr, port: u16, open: bool, git: bool) -> Outcome {
    let mut options = quire_studio::StudioOptions::new(root);
    options.bind = bind;
    options.port = port;
    options.git = git;
    let result = quire_studio::run_blocking(options, |server| {
        let url = server.url();
        let who = if server.studio().needs_login() {
            "sign in with an account of studio-users.toml"
        } else {
            "no sign-in on this computer"
        };
        eprintln!("quire studio at {url} ({who}); Ctrl-C to stop.");
        if open {
            crate::serve::open_browser(&url);
        }
    });
    match result {
        Ok(()) => Outcome::Success,
        Err(e) => {
            eprintln!("error: cannot start the studio on {bind}:{port}: {e}");
            Outcome::OutputFailure
        }
    }
}

/// `quire studio adduser LOGIN --role ROLE [--name …] [--email …] [--author ID]`;
/// the password is read from standard input (first line).
pub fn adduser(
    root: PathBuf,
    login: &str,
    role: &str,
    name: Option<&str>,
    email: Option<&str>,
    author: Option<&str>,
) -> Outcome {
    let Some(role) = quire_studio::Role::parse(role) else {
        eprintln!("error: --role is author, translator or editor");
        return Outcome::Usage;
    };
    if !quire_build::is_site(&root) {
        eprintln!(
            "error: {} has no quire.toml; give the site folder with --root",
            root.display()
        );
        return Outcome::Usage;
    }
    eprintln!("Password for {login} (at least 10 characters), then Enter:");
    let mut password = String::new();
    if std::io::stdin().lock().read_line(&mut password).is_err() {
        eprintln!("error: cannot read the password");
        return Outcome::OutputFailure;
    }
    let password = password.trim_end_matches(['\n', '\r']);
    match quire_studio::auth::add_user(&root, login, password, role, name, email, author) {
        Ok(file) => {
            println!("Added {login} ({}) to {}", role.name(), file.display());
            Outcome::Success
        }
        // add_user's message says what to change (the login, the password,
        // the users file); it does not tell a failed write apart, so all
        // count as usage errors, as before.
        Err(e) => {
            eprintln!("error: {e}");
            Outcome::Usage
        }
    }
}
