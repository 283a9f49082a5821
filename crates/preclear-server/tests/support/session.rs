//! A web client for the in-process tests: a cookie jar, form posts with the page's CSRF token,
//! multipart uploads.

#![allow(dead_code, reason = "each test file uses a part")]

use axum::Router;

use super::common::{Reply, call_bytes, call_with, multipart_body};

/// A browser's cookie jar, reduced to what these tests need.
#[derive(Default, Clone)]
pub struct Jar(pub Vec<(String, String)>);

impl Jar {
    pub fn take(&mut self, reply: &Reply) {
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.0.retain(|(n, _)| n != name);
            if !text.contains("Max-Age=0") {
                self.0.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn header(&self) -> String {
        self.0.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }
}

pub fn encode(pairs: &[(String, String)]) -> String {
    fn enc(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// The value of the first hidden `_csrf` field of a page.
pub fn csrf(html: &str) -> String {
    let at = html.find(r#"name="_csrf" value=""#).expect("a CSRF field");
    html[at + 20..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

pub struct Browser<'a> {
    pub app: &'a Router,
    pub jar: Jar,
}

impl Browser<'_> {
    pub async fn get(&mut self, uri: &str) -> Reply {
        let cookie = self.jar.header();
        let reply = call_with(self.app, "GET", uri, &[("cookie", &cookie)], None).await;
        self.jar.take(&reply);
        reply
    }

    pub async fn post(&mut self, uri: &str, pairs: &[(String, String)]) -> Reply {
        let cookie = self.jar.header();
        let body = encode(pairs);
        let headers =
            [("cookie", cookie.as_str()), ("origin", "http://localhost"), ("host", "localhost")];
        let reply = call_with(
            self.app,
            "POST",
            uri,
            &headers,
            Some(("application/x-www-form-urlencoded", &body)),
        )
        .await;
        self.jar.take(&reply);
        reply
    }

    /// Posts a multipart form: text fields (the CSRF token among them) and files.
    pub async fn upload(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let cookie = self.jar.header();
        let (content_type, body) = multipart_body(fields, files);
        let headers = [("cookie", cookie.as_str())];
        let reply = call_bytes(self.app, "POST", uri, &headers, Some((&content_type, body))).await;
        self.jar.take(&reply);
        reply
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let page = self.get("/sign-in?next=/").await;
        let token = csrf(&page.text);
        self.post(
            "/sign-in",
            &pairs(&[
                ("_csrf", &token),
                ("next", "/"),
                ("username", username),
                ("password", password),
            ]),
        )
        .await
    }
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A hidden field's value on a page, unescaped as a browser sends it back.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name} field")) + marker.len();
    let value: String = html[at..].chars().take_while(|c| *c != '"').collect();
    value
        .replace("&#43;", "+")
        .replace("&#x2b;", "+")
        .replace("&#61;", "=")
        .replace("&#x3d;", "=")
        .replace("&#47;", "/")
        .replace("&#x2f;", "/")
}
