#!/usr/bin/perl
# wikitext.pl - the visible article text of a MediaWiki XML dump (enwik9,
# enwiki-*-pages-articles.xml), normalised as text8: lowercase a-z words
# separated by single spaces, digits spelled out, one line per article.
#
#   bzip2 -dc enwiki-latest-pages-articles.xml.bz2 | corpora/wikitext.pl > wiki.txt
#
# What is kept, from the description of Matt Mahoney's filter behind text8
# and fil9 (written anew here, not derived from its code):
#   - only the text of <text> elements; pages whose text is a #REDIRECT are
#     dropped;
#   - link text: [[target|shown]] -> shown, [[target]] -> target; the caption
#     of an image or file link ([[File:x.jpg|thumb|A caption]] -> A caption);
#     external links [http://x shown] -> shown;
# and what is dropped: XML and HTML tags, references (<ref>...</ref>),
# comments, templates ({{...}}, nested, over several lines), tables ({| ...
# |}), category and interlanguage links, entities such as &nbsp;.
# Then textnorm.pl's rule: lowercase, digits spelled, all else a break.
#
# Streams line by line; the only state carried between lines is the
# nesting of templates and tables and whether a reference or comment is
# open, so memory does not grow with the input.  Markup this does not know
# degrades to words or spaces, never to a failure.
use strict;
use warnings;

my @digit = qw(zero one two three four five six seven eight nine);
my ($in_text, $redirect_check, $started) = (0, 0, 0);
my ($tpl, $table, $in_ref, $in_comment) = (0, 0, 0, 0);
binmode STDIN;
binmode STDOUT;

# Options of an image link, which are not caption text.
my $img_opt = qr/^\s*(?:thumb|thumbnail|frame|frameless|border|left|right|center|centre|none|
                       upright[=0-9.]*|baseline|middle|top|bottom|\d+(?:x\d+)?px|
                       (?:alt|link|page|class|lang)=.*)\s*$/xi;

sub link_text {
    my ($inner) = @_;
    my @part = split /\|/, $inner, -1;
    my $target = $part[0];
    if ($target =~ /^\s*:?\s*(?:image|file|media)\s*:/i) {
        my @caption = grep { $_ !~ $img_opt } @part[1 .. $#part];
        return @caption ? " $caption[-1] " : " ";
    }
    return " " if $target =~ /^\s*:?\s*(?:category|wikipedia|wp|template|help|portal|special|
                                         [a-z]{2,3}(?:-[a-z]+)?)\s*:/xi;
    return " " . (@part > 1 ? $part[-1] : $target) . " ";
}

sub emit {
    my ($s) = @_;
    $s = lc $s;
    $s =~ s/([0-9])/ $digit[$1] /g;
    $s =~ tr/a-z/ /cs;
    $s =~ s/^ //;
    $s =~ s/ $//;
    return unless length $s;
    print $started ? " " : "", $s;
    $started = 1;
}

# The part of a line outside templates, references and comments; the
# counters carry over to the next line.
sub visible {
    my ($line) = @_;
    my $out = "";
    while (length $line) {
        if ($in_comment) {
            $line =~ s/^.*?-->// or return $out;
            $in_comment = 0;
            next;
        }
        if ($in_ref) {
            $line =~ s/^.*?<\/ref\s*>//i or return $out;
            $in_ref = 0;
            next;
        }
        if ($line =~ s/^(.*?)(\{\{|\}\}|<!--|<ref\b[^>]*?\/>|<ref\b[^>]*>|<\/ref\s*>)//is) {
            my ($before, $mark) = ($1, $2);
            $out .= $before unless $tpl;
            if ($mark eq '{{') { $tpl++ }
            elsif ($mark eq '}}') { $tpl-- if $tpl }
            elsif ($mark eq '<!--') { $in_comment = 1 }
            elsif ($mark =~ /^<ref\b/i && $mark !~ /\/>$/) { $in_ref = 1 unless $tpl }
            $out .= " ";
            next;
        }
        $out .= $line unless $tpl;
        last;
    }
    return $out;
}

while (my $line = <STDIN>) {
    if (!$in_text) {
        next unless $line =~ s/^.*?<text\b[^>]*>//s;
        $in_text = 1;
        $redirect_check = 1;
        ($tpl, $table, $in_ref, $in_comment) = (0, 0, 0, 0);
    }
    my $last = $line =~ s/<\/text>.*//s;
    # XML entities first: the wiki markup inside <text> is escaped
    $line =~ s/&lt;/</g;
    $line =~ s/&gt;/>/g;
    $line =~ s/&quot;/"/g;
    $line =~ s/&amp;/&/g;
    if ($redirect_check && $line =~ /\S/) {
        $redirect_check = 0;
        if ($line =~ /^\s*#redirect/i) {
            # skip the rest of this page's text
            until ($last) {
                $line = <STDIN>;
                last unless defined $line;
                $last = $line =~ /<\/text>/;
            }
            $in_text = 0;
            next;
        }
    }
    if ($line =~ /^\s*\{\|/) { $table++ }
    if ($table) {
        $table-- if $line =~ /^\s*\|\}/;
        $line = "";
    }
    my $v = visible($line);
    1 while $v =~ s/\[\[([^\[\]]*)\]\]/link_text($1)/ge;
    $v =~ s/\[(?:https?|ftp|mailto|news):[^\s\]]*\s*([^\]]*)\]/ $1 /gi;
    $v =~ s/<[^>]*>/ /g;
    $v =~ s/&#?[a-z0-9]+;/ /gi;
    emit($v);
    if ($last) {
        print "\n" if $started;
        ($in_text, $started) = (0, 0);
    }
}
print "\n" if $started;
