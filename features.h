/* features.h - `grid features` (features.c). */
#ifndef GRID_FEATURES_H
#define GRID_FEATURES_H


int print_features(void);

#endif
