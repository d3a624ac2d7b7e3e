#!/usr/bin/env bash
# Builds lookout_<version>_<arch>.deb and lookout-dbgsym_<version>_<arch>.deb into .build-deb/ from this checkout,
# with dpkg-deb (docs/packaging.md says why not debhelper). The binaries are the shipped ones
# (scripts/build-release.sh); man pages and completions come from the commands' own help.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/.build-deb

bash scripts/build-release.sh
bin=$root/.build-ship/release
swift build --product generate-manual >/dev/null

version=$("$bin/lookout" --version)
debian_version=$(sed -n '1s/^lookout (\([^)]*\)).*/\1/p' packaging/debian/changelog)
[ "${debian_version%-*}" = "$version" ] || {
  echo "[deb] packaging/debian/changelog opens with $debian_version, but lookout --version says $version" >&2; exit 1; }
arch=$(dpkg --print-architecture)
# Dates from the changelog, so two builds of one version are byte-identical in their docs and man pages.
changelog_date=$(sed -n 's/^ -- .*>  //p' packaging/debian/changelog | head -1)
export SOURCE_DATE_EPOCH=$(date -d "$changelog_date" +%s)

rm -rf "$out"
stage=$out/lookout
debug=$out/lookout-dbgsym
mkdir -p "$stage/DEBIAN" "$debug/DEBIAN"

# Binaries: stripped; their debug info under /usr/lib/debug/.build-id, where gdb looks for it.
install -d "$stage/usr/bin"
build_ids=()
for program in lookout lookout-agent zmlog; do
  install -m 0755 "$bin/$program" "$stage/usr/bin/$program"
  id=$(readelf -n "$stage/usr/bin/$program" | sed -n 's/.*Build ID: //p')
  [ -n "$id" ] || { echo "[deb] $program has no build id" >&2; exit 1; }
  build_ids+=("$id")
  install -d "$debug/usr/lib/debug/.build-id/${id:0:2}"
  objcopy --only-keep-debug --compress-debug-sections "$stage/usr/bin/$program" "$debug/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
  chmod 0644 "$debug/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$program"
done

# The unit, the configuration (the bus group set to the one postinst creates) and the documentation.
install -D -m 0644 packaging/lookout.service "$stage/lib/systemd/system/lookout.service"
# Optional, not enabled by postinst: HTTP probes and metrics (lookout serve), docs/health.md.
install -D -m 0644 packaging/lookout-http.service "$stage/lib/systemd/system/lookout-http.service"
install -d "$stage/etc/lookout"
sed 's/^group = ""$/group = "lookout"/' etc/lookout.toml > "$stage/etc/lookout/lookout.toml"
grep -q '^group = "lookout"$' "$stage/etc/lookout/lookout.toml" || { echo "[deb] bus group not set in lookout.toml" >&2; exit 1; }
chmod 0644 "$stage/etc/lookout/lookout.toml"
doc=$stage/usr/share/doc/lookout
install -d "$doc"
install -m 0644 README.md docs/*.md "$doc/"
install -m 0644 packaging/debian/copyright "$doc/copyright"
gzip -9n < packaging/debian/changelog > "$doc/changelog.Debian.gz"

# Man pages from swift-argument-parser's help (lookout and each subcommand, zmlog) and lookout-agent's usage.
man=$stage/usr/share/man/man1
install -d "$man"
manual_date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
"$root/.build/debug/generate-manual" "$bin/lookout" --multi-page --date "$manual_date" --output-directory "$man"
"$root/.build/debug/generate-manual" "$bin/zmlog" --date "$manual_date" --output-directory "$man"
rm -f "$man/lookout.help.1"
# Debian names subcommand pages lookout-run(1) (as git-commit(1)); an mdoc blank line must be .Pp.
for page in "$man"/lookout.*.1; do
  sub=$(basename "$page" .1); sub=${sub#lookout.}
  perl -pe '
    BEGIN { ($sub, $upper) = ($ARGV[0], uc $ARGV[0]); shift @ARGV }
    s/^\.Dt LOOKOUT\.\Q$upper\E /.Dt LOOKOUT-$upper /;
    s/^\.Nm "lookout \Q$sub\E"$/.Nm lookout-$sub/;
    s/^\.Nm$/.Nm lookout\n.Cm $sub/ if $seen_synopsis;
    $seen_synopsis = 1 if /^\.Sh SYNOPSIS/;
    $seen_synopsis = 0 if /^\.Sh DESCRIPTION/;
  ' "$sub" "$page" > "$man/lookout-$sub.1"
  rm "$page"
done
# SEE ALSO: subcommand names with a hyphen too (lookout-dump-sfb(1)); none to the help page removed above.
perl -ni -e 'next if /^\.Xr lookout\.help 1/; s/^\.Xr lookout\.([\w-]+) 1/.Xr lookout-$1 1/; s/^$/.Pp/; print' "$man"/*.1
help2man --no-info --section 1 --name "the Lookout agent daemon (started by systemd or lookout run)" \
  --version-string "$version" "$stage/usr/bin/lookout-agent" > "$man/lookout-agent.1"
gzip -9n "$man"/*.1
chmod 0644 "$man"/*

# Shell completions, from the same parsers.
install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions"
for program in lookout zmlog; do
  "$bin/$program" --generate-completion-script bash | sed '1{/^#!/d}' > "$stage/usr/share/bash-completion/completions/$program"
  "$bin/$program" --generate-completion-script zsh > "$stage/usr/share/zsh/vendor-completions/_$program"
done
chmod 0644 "$stage"/usr/share/*-completion*/*/* "$stage"/usr/share/zsh/vendor-completions/*

install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -D -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/lookout"

# Depends: what the binaries link (dpkg-shlibdeps: libzmq5, and libturbojpeg0 for `lookout serve`'s pictures),
# libmariadb3 (dlopen'ed at the first database connection; its libssl3 carries ZM_DB_SSL_* TLS) and adduser
# (postinst). libmosquitto1 is in control.in's Recommends: dlopen'ed only when [mqtt] turns the bridge on, which
# without it logs "cannot load libmosquitto (install libmosquitto1)" and leaves the agent running (docs/packaging.md).
shlibs=$(cd "$out" && mkdir -p debian && printf 'Source: lookout\n\nPackage: lookout\nArchitecture: any\n' > debian/control &&
  dpkg-shlibdeps -O "$stage"/usr/bin/* 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$out/debian"
depends="$shlibs, libmariadb3, adduser"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$debian_version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  packaging/debian/control.in > "$stage/DEBIAN/control"
(cd "$stage" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"

# The -dbgsym package, as debhelper would make it.
install -d "$debug/usr/share/doc"
ln -s lookout "$debug/usr/share/doc/lookout-dbgsym"
cat > "$debug/DEBIAN/control" <<CONTROL
Package: lookout-dbgsym
Source: lookout
Version: $debian_version
Auto-Built-Package: debug-symbols
Architecture: $arch
Maintainer: $(sed -n 's/^Maintainer: //p' packaging/debian/control.in)
Installed-Size: $(du -sk --exclude=DEBIAN "$debug" | cut -f1)
Depends: lookout (= $debian_version)
Section: debug
Priority: optional
Description: debug symbols for lookout
Build-Ids: ${build_ids[*]}
CONTROL
(cd "$debug" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$debug/DEBIAN/md5sums"

find "$stage" "$debug" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out/lookout_${debian_version}_${arch}.deb" >/dev/null
dpkg-deb --root-owner-group -Zxz --build "$debug" "$out/lookout-dbgsym_${debian_version}_${arch}.deb" >/dev/null
echo "$out/lookout_${debian_version}_${arch}.deb"
