//! The Helix configuration in `editors/helix/languages.toml`: valid TOML, superhelfer
//! defined as a server started with `lsp`, and added next to each language's usual server.

#[test]
fn helix_languages_add_superhelfer_beside_the_usual_servers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/helix/languages.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let server = &v["language-server"]["superhelfer"];
    assert_eq!(server["command"].as_str(), Some("superhelfer"));
    assert_eq!(server["args"].as_array().unwrap()[0].as_str(), Some("lsp"));
    let langs = v["language"].as_array().unwrap();
    let servers = |name: &str| -> Vec<String> {
        langs
            .iter()
            .find(|l| l["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no [[language]] {name}"))["language-servers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for (lang, usual) in [
        ("bash", Some("bash-language-server")),
        ("dockerfile", Some("docker-langserver")),
        ("make", None),
        ("markdown", Some("marksman")),
        ("rust", Some("rust-analyzer")),
        ("python", Some("pylsp")),
        ("go", Some("gopls")),
    ] {
        let s = servers(lang);
        assert!(s.contains(&"superhelfer".to_string()), "{lang}: {s:?}");
        if let Some(u) = usual {
            assert!(s.contains(&u.to_string()), "{lang} keeps {u}: {s:?}");
        }
    }
}
