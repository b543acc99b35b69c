//! Tours as the page fetches them. Authors edit `tours/*.json`; the page's
//! build (`tour-pack`, a Trunk hook) checks each file as the tests read it
//! and writes it in the run link's encoding — postcard bytes in URL-safe
//! base64, after a version and a dot — as `tours/<id>.pack` beside the
//! page, and the list as `tours/index.pack`. The page reads them with the
//! same postcard decoders it has for `#run=` links (actions, disks,
//! settings), not with a second, JSON-shaped set of decoders.

use super::{Tour, TourIndex};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The version of the packed form this playground writes and reads. The
/// page and its packed tours come from one build; the version tells a
/// tour packed by another build (a cached file) from a damaged one.
pub const PACK_VERSION: u32 = 1;

/// The name of tour `id`'s packed file, in the tours' folder.
pub fn pack_file(id: &str) -> String {
    format!("{id}.pack")
}

/// The name of the packed tour list, in the tours' folder.
pub const INDEX_PACK: &str = "index.pack";

impl Tour {
    /// The tour in its packed form (`1.<base64 of its postcard bytes>`).
    pub fn to_pack(&self) -> String {
        to_pack(self)
    }

    /// Read a tour written by [`Tour::to_pack`] and check it
    /// ([`Tour::validate`]); the message names the tour (`name`: its file,
    /// until its id is known) and the problem.
    pub fn from_pack(name: &str, text: &str) -> Result<Tour, String> {
        Tour::check_length(name, text.len())?;
        let tour: Tour = from_pack(text).map_err(|e| format!("tour {name} cannot be read: {e}"))?;
        tour.validate()?;
        Ok(tour)
    }
}

impl TourIndex {
    /// The list in its packed form.
    pub fn to_pack(&self) -> String {
        to_pack(self)
    }

    /// Read a list written by [`TourIndex::to_pack`]; the message says
    /// what is wrong.
    pub fn from_pack(text: &str) -> Result<TourIndex, String> {
        let index: TourIndex =
            from_pack(text).map_err(|e| format!("the tour list cannot be read: {e}"))?;
        index.validate()
    }
}

fn to_pack<T: Serialize>(value: &T) -> String {
    let bytes = postcard::to_allocvec(value).expect("a tour always serializes");
    format!("{PACK_VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn from_pack<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let data = text
        .trim()
        .strip_prefix(&format!("{PACK_VERSION}."))
        .ok_or("it was packed by another build of the playground, or is no packed tour")?;
    let bytes = URL_SAFE_NO_PAD.decode(data).map_err(|_| "it is not base64: it is damaged")?;
    let (value, rest) = postcard::take_from_bytes(&bytes)
        .map_err(|e| format!("it is damaged or packed by another build ({e})"))?;
    if !rest.is_empty() {
        return Err(format!("it has {} bytes more than its tour: it is damaged", rest.len()));
    }
    Ok(value)
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;

    fn tour() -> Tour {
        Tour::from_json(
            "t",
            r#"{"id": "t", "title": "T", "source": "the paper's Figure 7",
                "start": {"Disks": [{"term": 2, "log": [[1, "put x 1"], [2, "no-op"]]},
                                    {"term": 1}, {"term": 1}]},
                "steps": [{"actions": [{"TimeOut": 1}], "run": {"For": 500},
                           "narration": "S1 leads.", "highlight": {"servers": [1]},
                           "claims": [{"Leader": {"server": 1, "term": 3}}, {"Violation": null}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_packed_tour_reads_back_as_the_same_tour() {
        let t = tour();
        assert_eq!(Tour::from_pack("t", &t.to_pack()).unwrap(), t);
    }

    #[test]
    fn a_damaged_or_foreign_pack_is_refused_with_a_reason() {
        let pack = tour().to_pack();
        let cut = &pack[..pack.len() - 8];
        assert!(Tour::from_pack("t", cut)
            .unwrap_err()
            .contains("tour t cannot be read: it is damaged"));
        let other = pack.replacen("1.", "9.", 1);
        assert!(Tour::from_pack("t", &other).unwrap_err().contains("another build"), "{other}");
        let longer = format!("{pack}AAAA");
        assert!(Tour::from_pack("t", &longer).unwrap_err().contains("bytes more"));
        assert!(Tour::from_pack("t", "1.*").unwrap_err().contains("not base64"));
    }

    #[test]
    fn a_packed_list_reads_back_and_is_checked() {
        let index = TourIndex::from_json(
            r#"[{"id": "a", "title": "A", "summary": "a"}, {"id": "b", "title": "B", "summary": "b"}]"#,
        )
        .unwrap();
        assert_eq!(TourIndex::from_pack(&index.to_pack()).unwrap(), index);
        let twice = TourIndex(vec![index.0[0].clone(), index.0[0].clone()]);
        assert!(TourIndex::from_pack(&twice.to_pack()).unwrap_err().contains("names a twice"));
    }
}
