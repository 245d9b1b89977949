/*
 * test_version.c - the one version: w2v_version() (the library) agrees with
 * the headers' W2V_VERSION_STRING and its three numbers.
 */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "w2v/version.h"

int main(void)
{
    char expect[64];
    snprintf(expect, sizeof expect, "%d.%d.%d", W2V_VERSION_MAJOR, W2V_VERSION_MINOR,
             W2V_VERSION_PATCH);
    T_STREQ(W2V_VERSION_STRING, expect);
    T_TRUE(w2v_version() != NULL);
    T_STREQ(w2v_version(), W2V_VERSION_STRING);
    T_TRUE(W2V_VERSION_MAJOR >= 0 && W2V_VERSION_MINOR >= 0 && W2V_VERSION_PATCH >= 0);
    return T_DONE();
}
