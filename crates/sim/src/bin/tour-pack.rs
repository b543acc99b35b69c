//! Pack the guided tours for the page (a Trunk hook runs it on every
//! build): `tour-pack TOURS_DIR OUT_DIR` reads `TOURS_DIR/index.json` and
//! every tour it lists, checks each as `cargo test -p raft-sim --test tours`
//! reads it, and writes `OUT_DIR/index.pack` and `OUT_DIR/<id>.pack`, the
//! run link's encoding the page reads (`sim::tour`'s pack module).

use sim::tour::{pack_file, Tour, TourIndex, INDEX_PACK};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [tours, out] = args.as_slice() else {
        eprintln!("usage: tour-pack TOURS_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match pack(Path::new(tours), Path::new(out)) {
        Ok(n) => {
            println!("tour-pack: {n} tours and their list packed into {out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tour-pack: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Pack the list and every tour it names; how many tours.
fn pack(tours: &Path, out: &Path) -> Result<usize, String> {
    let index = TourIndex::from_json(&read(&tours.join("index.json"))?)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for entry in &index.0 {
        let file = format!("{}.json", entry.id);
        let tour = Tour::from_json(&file, &read(&tours.join(&file))?)?;
        if tour.id != entry.id || tour.title != entry.title {
            return Err(format!(
                "{file} holds tour {} titled '{}'; the list names {} titled '{}'",
                tour.id, tour.title, entry.id, entry.title
            ));
        }
        write(&out.join(pack_file(&tour.id)), &tour.to_pack())?;
    }
    write(&out.join(INDEX_PACK), &index.to_pack())?;
    Ok(index.0.len())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
