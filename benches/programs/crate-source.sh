# Sourced by the programs' build.sh files: `crate_source NAME VERSION`
# prints where cargo's registry holds the sources of crate NAME at VERSION,
# fetching the crate first if cargo has not.
crate_source() {
  local name=$1 version=$2 dir tmp
  dir=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" 2>/dev/null | head -1 || true)
  if [ -z "$dir" ]; then
    tmp=$(mktemp -d)
    mkdir "$tmp/src" && echo 'fn main() {}' > "$tmp/src/main.rs"
    printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
      "$name" "${version%%+*}" > "$tmp/Cargo.toml"
    (cd "$tmp" && cargo fetch -q)
    rm -rf "$tmp"
    dir=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$name-$version" | head -1)
  fi
  echo "$dir"
}
