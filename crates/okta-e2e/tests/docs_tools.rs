//! `docs/tools/<server>.md` is exactly what `<server> tools --markdown` prints now: the committed tool reference
//! cannot drift from the binaries. After a change to a tool, a prompt or the page's layout, `scripts/docs-tools`
//! rewrites the pages (then review and commit them).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::{SERVERS, command, repo_root, workspace_bin};

const REGENERATE: &str = "scripts/docs-tools";

fn markdown(server: &str) -> String {
    let output = command(workspace_bin(server).to_str().expect("UTF-8 path"))
        .args(["tools", "--markdown"])
        .output()
        .expect("run the server");
    assert!(output.status.success(), "{server} tools --markdown failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 markdown")
}

#[test]
fn committed_tool_pages_are_what_the_binaries_print() {
    let dir = repo_root().join("docs/tools");
    let mut stale = Vec::new();
    for server in SERVERS {
        let printed = markdown(server);
        let file = dir.join(format!("{server}.md"));
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        if committed != printed {
            let line = committed
                .lines()
                .zip(printed.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| committed.lines().count().min(printed.lines().count()) + 1, |i| i + 1);
            let got = committed.lines().nth(line - 1).unwrap_or("<end of file>");
            let want = printed.lines().nth(line - 1).unwrap_or("<end of output>");
            stale.push(format!(
                "docs/tools/{server}.md differs from `{server} tools --markdown` at line {line}:\n  committed: \
                 {got}\n  printed:   {want}"
            ));
        }
    }
    let mut extra: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !SERVERS.iter().any(|s| *name == format!("{s}.md")))
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    for name in extra {
        stale.push(format!("docs/tools/{name} is no server's page (the folder is generated)"));
    }
    assert!(stale.is_empty(), "{}\n\nRegenerate the pages with: {REGENERATE}", stale.join("\n"));
}

#[test]
fn the_page_is_the_same_whatever_the_selection() {
    let server = "okta-mcp-users";
    let output = command(workspace_bin(server).to_str().expect("UTF-8 path"))
        .args(["--mode", "full", "--toolsets", "groups", "tools", "--markdown"])
        .output()
        .expect("run the server");
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout), markdown(server));
    assert!(markdown(server).contains(REGENERATE), "the page names its regeneration command");
}
