#!/usr/bin/perl
# textnorm.pl - normalise plain text the way text8 is: lowercase a-z words
# separated by single spaces, each digit spelled out as a word ("1984" ->
# "one nine eight four"), every other character (punctuation, apostrophes,
# letters outside a-z, control bytes) a word break.  Line breaks are kept,
# so that a sentence or document per line stays one; empty lines are
# dropped.
#
#   corpora/textnorm.pl < in.txt > out.txt
#
# Streams: one input line in memory at a time (a corpus that is one huge
# line, like text8 itself, is already normalised and needs no pass).
# Works on bytes: a letter outside ASCII (é, ß) is a break, as in text8.
use strict;
use warnings;

my @digit = qw(zero one two three four five six seven eight nine);
binmode STDIN;
binmode STDOUT;
while (my $line = <STDIN>) {
    $line = lc $line;
    $line =~ s/([0-9])/ $digit[$1] /g;
    $line =~ tr/a-z/ /cs;            # everything else, newline included, to one space
    $line =~ s/^ //;
    $line =~ s/ $//;
    print $line, "\n" if length $line;
}
